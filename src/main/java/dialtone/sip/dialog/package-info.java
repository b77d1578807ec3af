/** Dialogs (RFC 3261 §12). Imports {@code dialtone.sip.message}. */
package dialtone.sip.dialog;
