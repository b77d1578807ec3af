/**
 * Scenarios: the only place where SIP and media meet. Imports config, event, sip, media and support.
 */
package dialtone.engine;
