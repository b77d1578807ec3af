/**
 * {@code dialtone serve}: a Prometheus exporter in the blackbox_exporter's shape. {@code /probe?module=M&target=T}
 * runs one check as a child process of the same dialtone installation (the module's subcommand and flags, exactly
 * as on the command line, plus {@code --json}; a {@code config} module, which runs no native code, as the same command
 * line in this JVM) and answers with metrics built from the run's JSON lines and exit code; {@code /metrics} is the
 * exporter's own. Imports {@code report} (the redactor), {@code event} and {@code support}; never the engine, SIP,
 * media or the command line: a module's flags are checked by a validator, and an in-process run is made by a runner,
 * that {@code cli} hands in.
 */
package dialtone.serve;
