// Server CPU of one full TLS 1.3 handshake in bare OpenSSL (memory BIOs, one thread, no sockets):
// ECDSA P-256 certificate, X25519, TLS_AES_128_GCM_SHA256, two tickets, as the bench's handshake
// rows negotiate. Built against the system OpenSSL and tls-rs's vendored one by
// build-openssl-tools.sh, it is the floor under both servers' CPU per handshake: the client's
// work is not timed, and nothing of Node or tls-rs runs.
//
//   openssl-handshake CERT KEY [handshakes]
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
static void pump(BIO *from, BIO *to){char buf[16384];int n;while((n=BIO_read(from,buf,sizeof buf))>0)BIO_write(to,buf,n);}
static SSL *new_end(SSL_CTX *ctx, BIO **in, BIO **out){
  SSL *ssl=SSL_new(ctx); *in=BIO_new(BIO_s_mem()); *out=BIO_new(BIO_s_mem()); SSL_set_bio(ssl,*in,*out); return ssl;
}
int main(int argc,char**argv){
  if(argc<3){fprintf(stderr,"usage: %s CERT KEY [handshakes]\n",argv[0]);return 2;}
  int n=argc>3?atoi(argv[3]):3000, warmup=300;
  SSL_CTX *s=SSL_CTX_new(TLS_server_method()), *c=SSL_CTX_new(TLS_client_method());
  if(SSL_CTX_use_certificate_file(s,argv[1],SSL_FILETYPE_PEM)!=1||SSL_CTX_use_PrivateKey_file(s,argv[2],SSL_FILETYPE_PEM)!=1
     ||SSL_CTX_load_verify_locations(c,argv[1],NULL)!=1){ERR_print_errors_fp(stderr);return 1;}
  SSL_CTX_set_verify(c,SSL_VERIFY_PEER,NULL);
  SSL_CTX *both[2]={s,c};
  for(int i=0;i<2;i++){
    SSL_CTX_set1_groups_list(both[i],"X25519"); SSL_CTX_set_ciphersuites(both[i],"TLS_AES_128_GCM_SHA256");
    SSL_CTX_set_min_proto_version(both[i],TLS1_3_VERSION);
    SSL_CTX_set_session_cache_mode(both[i],SSL_SESS_CACHE_CLIENT|SSL_SESS_CACHE_SERVER|SSL_SESS_CACHE_NO_INTERNAL);
  }
  double hello=0, finished=0, other=0;
  for(int i=0;i<n+warmup;i++){
    if(i==warmup) hello=finished=other=0;
    BIO *cr,*cw,*sr,*sw; char b[1];
    SSL *cl=new_end(c,&cr,&cw); SSL_set_connect_state(cl); SSL_set_tlsext_host_name(cl,"localhost");
    SSL_do_handshake(cl);
    double t=now(); SSL *sv=new_end(s,&sr,&sw); SSL_set_accept_state(sv); other+=now()-t;
    pump(cw,sr); t=now(); SSL_do_handshake(sv); hello+=now()-t;          // ClientHello → server flight
    pump(sw,cr); SSL_do_handshake(cl); pump(cw,sr);
    t=now(); int done=SSL_do_handshake(sv); finished+=now()-t;           // client Finished → tickets
    if(done!=1){ERR_print_errors_fp(stderr);return 1;}
    pump(sw,cr); SSL_read(cl,b,1);
    t=now(); SSL_free(sv); other+=now()-t; SSL_free(cl);
  }
  printf("%-28s server µs/handshake %6.1f (ClientHello step %.1f, Finished step %.1f, SSL_new+free %.1f)\n",
         OpenSSL_version(OPENSSL_VERSION),(hello+finished+other)/n,hello/n,finished/n,other/n);
  return 0;
}
