/**
 * Digest authentication (RFC 2617, RFC 7616, RFC 3261 §22). Pure: no I/O; secrets only through
 * {@link dialtone.support.Secret}. Imports {@code dialtone.support} only.
 */
package dialtone.sip.auth;
