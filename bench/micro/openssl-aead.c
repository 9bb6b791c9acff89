// Bare AEAD throughput of one OpenSSL (EVP, one core, 16384-byte records: encrypt + tag), for
// AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305. Built against the system OpenSSL and against
// tls-rs's vendored one by build-openssl-tools.sh, it shows what each library's cipher costs
// before any TLS layer.
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(void){
  static unsigned char in[16384], out[16384+32], key[32], iv[12], tag[16];
  const char *names[]={"AES-128-GCM","AES-256-GCM","ChaCha20-Poly1305"};
  printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
  for(int a=0;a<3;a++){
    EVP_CIPHER *c=EVP_CIPHER_fetch(NULL,names[a],NULL);
    EVP_CIPHER_CTX *ctx=EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex2(ctx,c,key,iv,NULL);
    long n=0; double t0=now(); int len;
    while(now()-t0<1.0){ for(int i=0;i<100;i++){ EVP_EncryptInit_ex2(ctx,NULL,NULL,iv,NULL); EVP_EncryptUpdate(ctx,out,&len,in,sizeof in); EVP_EncryptFinal_ex(ctx,out+len,&len); EVP_CIPHER_CTX_ctrl(ctx,EVP_CTRL_AEAD_GET_TAG,16,tag);} n+=100; }
    double dt=now()-t0;
    printf("%-18s %7.0f MB/s  %5.0f us/MB\n",names[a], n*16384/dt/1e6, dt*1e6/(n*16384/1e6));
  }
}
