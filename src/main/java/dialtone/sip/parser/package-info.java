/**
 * Octets to messages and back. Pure: no threads, no I/O; parse failures are results, never exceptions.
 * Imports {@code dialtone.sip.message} only.
 */
package dialtone.sip.parser;
