'use strict';

// tls.checkServerIdentity(hostname, cert), as Node 20 does it (lib/tls.js): RFC 6125 host
// matching against the certificate's DNS/IP subject alternative names, falling back to the
// subject CN only when the certificate has no DNS names.
//
// Returns undefined when the name matches, otherwise (does not throw) an
// ERR_TLS_CERT_ALTNAME_INVALID error carrying `reason`, `host` and `cert`. A malformed
// `subjectaltname` string throws ERR_TLS_CERT_ALTNAME_FORMAT.
//
// Node's code is followed expression for expression, including its variable names: a
// malformed `cert` (say, a numeric CN) makes both throw the same V8 TypeError text.

const net = require('net');
const {
  ERR_TLS_CERT_ALTNAME_FORMAT,
  ERR_TLS_CERT_ALTNAME_INVALID,
} = require('./errors').codes;

// ---- canonicalizeIP -------------------------------------------------------------------
// Node calls c-ares' binding canonicalizeIP(), which is libuv's uv_inet_pton (AF_INET first,
// then AF_INET6) followed by uv_inet_ntop. Reimplemented here with the same acceptance rules:
// IPv4 only as exactly four decimal octets without leading zeros; IPv6 with "::", hex groups of
// up to four digits, an optional dotted IPv4 tail, and a "%zone" suffix that is dropped. The C
// code sees a NUL-terminated string, so anything from the first "\0" on is ignored.
// Returns the canonical text, or undefined when the input is not an address.

const INET6_ADDRSTRLEN = 46;

// Parses dotted-quad `src` (the whole string) into 4 bytes, or returns null.
function parseIPv4(src) {
  const bytes = [0];
  let sawDigit = false;
  let octets = 0;
  for (let i = 0; i < src.length; i++) {
    const ch = src.charCodeAt(i);
    if (ch >= 0x30 && ch <= 0x39) {
      const last = bytes.length - 1;
      const nw = bytes[last] * 10 + (ch - 0x30);
      if (sawDigit && bytes[last] === 0) return null; // leading zero
      if (nw > 255) return null;
      bytes[last] = nw;
      if (!sawDigit) {
        if (++octets > 4) return null;
        sawDigit = true;
      }
    } else if (ch === 0x2e /* . */ && sawDigit) {
      if (octets === 4) return null;
      bytes.push(0);
      sawDigit = false;
    } else {
      return null;
    }
  }
  if (octets < 4) return null;
  return bytes;
}

function hexValue(ch) {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
  if (ch >= 0x61 && ch <= 0x66) return ch - 0x61 + 10;
  if (ch >= 0x41 && ch <= 0x46) return ch - 0x41 + 10;
  return -1;
}

// Parses an IPv6 address (no zone) into 16 bytes, or returns null.
function parseIPv6(src) {
  const bytes = [];
  let colonAt = -1; // index in `bytes` where "::" stands
  let i = 0;
  if (src.charCodeAt(0) === 0x3a /* : */) {
    if (src.charCodeAt(1) !== 0x3a) return null;
    i = 1;
  }
  let tokenStart = i;
  let sawXdigits = 0;
  let val = 0;
  for (; i < src.length; i++) {
    const ch = src.charCodeAt(i);
    const h = hexValue(ch);
    if (h !== -1) {
      val = (val << 4) | h;
      if (++sawXdigits > 4) return null;
      continue;
    }
    if (ch === 0x3a /* : */) {
      tokenStart = i + 1;
      if (!sawXdigits) {
        if (colonAt !== -1) return null;
        colonAt = bytes.length;
        continue;
      } else if (i + 1 === src.length) {
        return null; // trailing single ':'
      }
      if (bytes.length + 2 > 16) return null;
      bytes.push((val >> 8) & 0xff, val & 0xff);
      sawXdigits = 0;
      val = 0;
      continue;
    }
    if (ch === 0x2e /* . */ && bytes.length + 4 <= 16) {
      const v4 = parseIPv4(src.slice(tokenStart));
      if (v4 !== null) {
        bytes.push(...v4);
        sawXdigits = 0;
        break;
      }
    }
    return null;
  }
  if (sawXdigits) {
    if (bytes.length + 2 > 16) return null;
    bytes.push((val >> 8) & 0xff, val & 0xff);
  }
  if (colonAt !== -1) {
    if (bytes.length === 16) return null;
    const tail = bytes.splice(colonAt);
    while (bytes.length + tail.length < 16) bytes.push(0);
    bytes.push(...tail);
  }
  if (bytes.length !== 16) return null;
  return bytes;
}

function formatIPv4(b, offset = 0) {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

// uv_inet_ntop(AF_INET6): "::" for the first longest run (>= 2) of zero words; lower-case hex;
// the last 32 bits as dotted quad for ::a.b.c.d (not ::1 or ::0.0.0.1) and ::ffff:a.b.c.d.
function formatIPv6(b) {
  const words = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else {
        curLen++;
      }
    } else if (curBase !== -1) {
      if (bestBase === -1 || curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && (bestBase === -1 || curLen > bestLen)) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestBase !== -1 && bestLen < 2) bestBase = -1;

  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestBase === 0 &&
        (bestLen === 6 || (bestLen === 7 && words[7] !== 0x0001) ||
         (bestLen === 5 && words[5] === 0xffff))) {
      return out + formatIPv4(b, 12);
    }
    out += words[i].toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** `ip` (any string) in canonical form ('::ffff:1.2.3.4' → '::ffff:102:304'), or undefined. */
function canonicalizeIP(ip) {
  let s = `${ip}`;
  const nul = s.indexOf('\0');
  if (nul !== -1) s = s.slice(0, nul);

  const v4 = parseIPv4(s);
  if (v4 !== null) return formatIPv4(v4);

  const pct = s.indexOf('%');
  if (pct !== -1) {
    // uv_inet_pton copies the part before '%' into a 46-byte buffer (UTF-8 length counts).
    if (Buffer.byteLength(s.slice(0, pct)) > INET6_ADDRSTRLEN - 1) return undefined;
    s = s.slice(0, pct);
  }
  const v6 = parseIPv6(s);
  if (v6 !== null) return formatIPv6(v6);
  return undefined;
}

// ---- host name matching (Node's lib/tls.js) ----------------------------------------------

function unfqdn(host) {
  return host.replace(/[.]$/, '');
}

// String#toLowerCase() is locale-sensitive; only A-Z are lowered.
function toLowerCase(c) {
  return String.fromCharCode(32 + c.charCodeAt(0));
}

function splitHost(host) {
  return unfqdn(host).replace(/[A-Z]/g, toLowerCase).split('.');
}

// Does `pattern` (a DNS SAN or CN) match the host's labels? One wildcard, only in the
// left-most label, never for *.tld and never inside an xn-- (A-label) component.
function check(hostParts, pattern, wildcards) {
  // Empty strings, null, undefined, etc. never match.
  if (!pattern) return false;

  const patternParts = splitHost(pattern);

  if (hostParts.length !== patternParts.length) return false;

  // Pattern has empty components, e.g. "bad..example.com".
  if (patternParts.includes('')) return false;

  // U-labels (non-ASCII), control characters and blanks are rejected.
  const isBad = (s) => /[^\u0021-\u007F]/u.test(s);
  if (patternParts.some(isBad)) return false;

  // Host parts from right to left first.
  for (let i = hostParts.length - 1; i > 0; i -= 1) {
    if (hostParts[i] !== patternParts[i]) return false;
  }

  const hostSubdomain = hostParts[0];
  const patternSubdomain = patternParts[0];
  const patternSubdomainParts = patternSubdomain.split('*');

  // No wildcard, or an A-label (Punycode) component: match verbatim.
  if (patternSubdomainParts.length === 1 || patternSubdomain.includes('xn--')) {
    return hostSubdomain === patternSubdomain;
  }

  if (!wildcards) return false;

  // More than one wildcard is always wrong.
  if (patternSubdomainParts.length > 2) return false;

  // *.tld wildcards are not allowed.
  if (patternParts.length <= 2) return false;

  const { 0: prefix, 1: suffix } = patternSubdomainParts;

  if (prefix.length + suffix.length > hostSubdomain.length) return false;
  if (!hostSubdomain.startsWith(prefix)) return false;
  if (!hostSubdomain.endsWith(suffix)) return false;

  return true;
}

// Any valid JSON string literal (ECMA-404 / RFC 8259), used to find the extent of quoted
// (escaped) entries in the subjectaltname string.
// eslint-disable-next-line no-control-regex
const jsonStringPattern = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/;

// Splits "DNS:a, DNS:\"b, c\"" on ", " while honouring JSON-quoted parts.
function splitEscapedAltNames(altNames) {
  const result = [];
  let currentToken = '';
  let offset = 0;
  while (offset !== altNames.length) {
    const nextSep = altNames.indexOf(',', offset);
    const nextQuote = altNames.indexOf('"', offset);
    if (nextQuote !== -1 && (nextSep === -1 || nextQuote < nextSep)) {
      // A quote, and no separator before it.
      currentToken += altNames.substring(offset, nextQuote);
      const match = jsonStringPattern.exec(altNames.substring(nextQuote));
      if (!match) {
        throw new ERR_TLS_CERT_ALTNAME_FORMAT();
      }
      currentToken += JSON.parse(match[0]);
      offset = nextQuote + match[0].length;
    } else if (nextSep !== -1) {
      // A separator, and no quote before it.
      currentToken += altNames.substring(offset, nextSep);
      result.push(currentToken);
      currentToken = '';
      offset = nextSep + 2;
    } else {
      currentToken += altNames.substring(offset);
      offset = altNames.length;
    }
  }
  result.push(currentToken);
  return result;
}

/** tls.checkServerIdentity: undefined when `cert` is valid for `hostname`, else the error. */
function checkServerIdentity(hostname, cert) {
  const subject = cert.subject;
  const altNames = cert.subjectaltname;
  const dnsNames = [];
  const ips = [];

  hostname = '' + hostname;

  if (altNames) {
    const splitAltNames = altNames.includes('"') ?
      splitEscapedAltNames(altNames) :
      altNames.split(', ');
    splitAltNames.forEach((name) => {
      if (name.startsWith('DNS:')) {
        dnsNames.push(name.slice(4));
      } else if (name.startsWith('IP Address:')) {
        ips.push(canonicalizeIP(name.slice(11)));
      }
    });
  }

  let valid = false;
  let reason = 'Unknown reason';

  hostname = unfqdn(hostname); // Remove trailing dot for error messages.

  if (net.isIP(hostname)) {
    valid = ips.includes(canonicalizeIP(hostname));
    if (!valid) reason = `IP: ${hostname} is not in the cert's list: ` + ips.join(', ');
  } else if (dnsNames.length > 0 || subject?.CN) {
    const hostParts = splitHost(hostname);
    const wildcard = (pattern) => check(hostParts, pattern, true);

    if (dnsNames.length > 0) {
      valid = dnsNames.some(wildcard);
      if (!valid) reason = `Host: ${hostname}. is not in the cert's altnames: ${altNames}`;
    } else {
      // Match against Common Name only if no supported identifiers exist.
      const cn = subject.CN;

      if (Array.isArray(cn)) valid = cn.some(wildcard);
      else if (cn) valid = wildcard(cn);

      if (!valid) reason = `Host: ${hostname}. is not cert's CN: ${cn}`;
    }
  } else {
    reason = 'Cert does not contain a DNS name';
  }

  if (!valid) {
    return new ERR_TLS_CERT_ALTNAME_INVALID(reason, hostname, cert);
  }
}

module.exports = { checkServerIdentity, canonicalizeIP };
