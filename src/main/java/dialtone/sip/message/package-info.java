/**
 * SIP message values (RFC 3261 §7, §19, §20): requests, responses, headers, URIs, name-addr, Via, CSeq. Pure:
 * no threads, no I/O. Imports nothing of dialtone's.
 */
package dialtone.sip.message;
