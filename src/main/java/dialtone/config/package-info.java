/**
 * The endpoint configuration: the transport policy (HTTPS, WSS), the trust of one run, the fetch with its timing,
 * and the SDK's validation rules. Imports {@code dialtone.event} and {@code dialtone.support} only.
 */
package dialtone.config;
