/**
 * Reporters: human text, JSON lines, JUnit XML; and the {@link dialtone.report.Redactor} every output passes
 * through. Imports only {@code dialtone.event} (plus Jackson and the JDK's XML writer). Reporters never call back
 * into the engine.
 */
package dialtone.report;
