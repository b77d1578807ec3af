/**
 * {@code dialtone serve}: a Prometheus exporter in the blackbox_exporter's shape. {@code /probe?module=M&target=T}
 * runs one check as a child process of the same dialtone installation (the module's subcommand and flags, exactly
 * as on the command line, plus {@code --json}) and answers with metrics built from the child's JSON lines and exit
 * code; {@code /metrics} is the exporter's own. Imports {@code report} (the redactor), {@code event} and
 * {@code support}; never the engine, SIP, media or the command line: a module's flags are checked by a validator
 * that {@code cli} hands in.
 */
package dialtone.serve;
