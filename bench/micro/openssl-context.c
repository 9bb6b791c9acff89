// The OpenSSL floor under createSecureContext({}) with the default CAs: the calls Node's and
// tls-rs's context set-up both make, cumulatively — SSL_CTX_new + SSL_CTX_free, then the TLS 1.3
// suites, then Node's default TLS 1.2 cipher list — in bare OpenSSL, one thread, no Node.
// (Setting groups costs next to nothing beside these; attaching the shared, already-parsed root
// store is an up-ref in both.) Built against the system OpenSSL and tls-rs's vendored one by
// build-openssl-tools.sh.
//
//   openssl-context [contexts]
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
// Node 20's tls.DEFAULT_CIPHERS, split as createSecureContext splits it.
#define SUITES "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"
#define CIPHERS "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:" \
  "ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:" \
  "ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:" \
  "!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA"
static void make(int steps){
  SSL_CTX *ctx=SSL_CTX_new(TLS_method());
  if(!ctx){fprintf(stderr,"SSL_CTX_new failed\n");exit(1);}
  // A call that failed would be timed as a cheap one: stop instead.
  if((steps>0 && SSL_CTX_set_ciphersuites(ctx,SUITES)!=1) || (steps>1 && SSL_CTX_set_cipher_list(ctx,CIPHERS)!=1)){
    fprintf(stderr,"setting the cipher suites or list failed\n");exit(1);
  }
  SSL_CTX_free(ctx);
}
int main(int argc,char**argv){
  int n=argc>1?atoi(argv[1]):5000;
  static const char *names[]={"SSL_CTX_new + SSL_CTX_free","+ TLS 1.3 suites","+ Node's cipher list"};
  printf("%s, createSecureContext's OpenSSL calls, µs per context (best of 3 rounds of %d):\n",OpenSSL_version(OPENSSL_VERSION),n);
  for(int steps=0;steps<3;steps++){
    double best=1e30;
    for(int r=0;r<3;r++){
      for(int i=0;i<n/10;i++) make(steps);
      double t0=now(); for(int i=0;i<n;i++) make(steps); double us=(now()-t0)/n;
      if(us<best) best=us;
    }
    printf("  %-28s %6.1f\n",names[steps],best);
  }
  return 0;
}
