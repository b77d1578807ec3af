/**
 * RFC 3261 §17 transactions for a reliable transport, driven by an injected {@link dialtone.support.Scheduler}.
 * Imports {@code dialtone.sip.message} and {@code dialtone.support}.
 */
package dialtone.sip.transaction;
