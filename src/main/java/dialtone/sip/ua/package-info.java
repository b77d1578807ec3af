/**
 * The user agent: requests with digest retry, registration, the requests it answers on its own, reconnection.
 * Imports the other {@code dialtone.sip} packages, {@code dialtone.event} and {@code dialtone.support}; never
 * media, engine, cli or report.
 */
package dialtone.sip.ua;
