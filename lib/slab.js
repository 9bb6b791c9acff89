'use strict';
// Cleartext records (≤ 16 KiB each) and ciphertext flushes are written by the session straight
// into a shared slab and handed out as slices of it: no Buffer is allocated per message. Slab
// space is not written twice while a slice may still be in use — slices keep their slab alive
// until the reader dropped them and the transport wrote them — and a fresh slab replaces one
// whose space left is too small.

/** Fixed-size Buffer handed out in aligned slices until `renew()` replaces it. */
class Slab {
  constructor(size) {
    this.size = size;
    this.buf = Buffer.allocUnsafeSlow(size);
    this.used = 0;
  }

  /** The next `n` bytes of the slab; the caller checked that they fit (`size - used`). */
  take(n) {
    const start = this.used;
    this.used = (start + n + 7) & ~7; // keep slices 8-byte aligned
    return this.buf.subarray(start, start + n);
  }

  /** A fresh buffer: slices of the old one stay valid for whoever holds them. */
  renew() {
    this.buf = Buffer.allocUnsafeSlow(this.size);
    this.used = 0;
  }
}

// Cleartext slices reach the user, who may keep one: a smaller slab bounds what one kept chunk
// holds alive. Ciphertext slices only reach the transport; that slab fits a 64 KiB write's
// records several times over.
const cleartextSlab = new Slab(64 * 1024);
const ciphertextSlab = new Slab(256 * 1024);

module.exports = { cleartextSlab, ciphertextSlab };
