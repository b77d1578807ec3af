/**
 * Immutable event records and the failure data they carry. Imports nothing of dialtone's; Jackson annotations only.
 */
package dialtone.event;
