/**
 * picocli commands and mixins: flags in, a scenario run, an exit code out. Prints only through {@link dialtone.cli.Io}.
 * Imports {@code engine}, {@code config}, {@code report} and {@code event}; never SIP transaction internals.
 */
package dialtone.cli;
