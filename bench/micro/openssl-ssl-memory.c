// Heap bytes (glibc mallinfo2) held per established TLS 1.3 SSL over memory BIOs — as tls-rs's
// engine holds it — server or client side, with and without SSL_MODE_RELEASE_BUFFERS and session
// tickets. Built against the system OpenSSL and against tls-rs's vendored one by
// build-openssl-tools.sh; run under heaptrack to see which allocations stay.
//
//   openssl-ssl-memory server|client RELEASE_BUFFERS(0|1) NUM_TICKETS CERT KEY
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static void pump(SSL *from, SSL *to) {
  char buf[65536]; BIO *w = SSL_get_wbio(from); int n;
  while ((n = BIO_read(w, buf, sizeof buf)) > 0) BIO_write(SSL_get_rbio(to), buf, n);
}
static SSL *mk(SSL_CTX *ctx, int server, long mode) {
  SSL *s = SSL_new(ctx); BIO *r = BIO_new(BIO_s_mem()), *w = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(r, -1); BIO_set_mem_eof_return(w, -1); SSL_set_bio(s, r, w);
  SSL_set_mode(s, mode); if (server) SSL_set_accept_state(s); else SSL_set_connect_state(s); return s;
}
int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: %s server|client 0|1 NUM_TICKETS CERT KEY\n", argv[0]); return 2; }
  int keep_server = strcmp(argv[1], "server") == 0; long mode = atoi(argv[2]) ? SSL_MODE_RELEASE_BUFFERS : 0;
  int tickets = atoi(argv[3]); int N = 2000; char buf[16384];
  SSL_CTX *sctx = SSL_CTX_new(TLS_server_method()), *cctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_use_certificate_file(sctx, argv[4], SSL_FILETYPE_PEM); SSL_CTX_use_PrivateKey_file(sctx, argv[5], SSL_FILETYPE_PEM);
  SSL_CTX_set_num_tickets(sctx, tickets);
  SSL_CTX_set_min_proto_version(sctx, TLS1_3_VERSION); SSL_CTX_set1_groups_list(sctx, "X25519"); SSL_CTX_set1_groups_list(cctx, "X25519");
  SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
  SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
  SSL **held = calloc(N, sizeof *held); size_t before = 0;
  for (int i = -50; i < N; i++) {
    if (i == 0) before = mallinfo2().uordblks;
    SSL *c = mk(cctx, 0, mode), *s = mk(sctx, 1, mode);
    for (int k = 0; k < 6; k++) { SSL_do_handshake(c); pump(c, s); SSL_do_handshake(s); pump(s, c); }
    SSL_read(c, buf, sizeof buf); SSL_read(s, buf, sizeof buf); pump(c, s); pump(s, c);
    if (!SSL_is_init_finished(c) || !SSL_is_init_finished(s)) { fprintf(stderr, "no handshake\n"); return 1; }
    SSL *keep = keep_server ? s : c, *drop = keep_server ? c : s; SSL_free(drop);
    if (i < 0) SSL_free(keep); else held[i] = keep;
  }
  size_t after = mallinfo2().uordblks;
  printf("%-28s %s: %5.1f KiB heap per established SSL (RELEASE_BUFFERS %s, num_tickets %d)\n", OpenSSL_version(OPENSSL_VERSION), argv[1],
         (after - before) / 1024.0 / N, mode ? "on" : "off", tickets);
  return 0;
}
