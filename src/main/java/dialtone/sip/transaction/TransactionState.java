package dialtone.sip.transaction;

/**
 * Client transaction states (RFC 3261 §17.1, RFC 6026 §7.2).
 * <pre>
 *  INVITE:      Calling --1xx--> Proceeding --2xx--> Accepted --Timer M--> Terminated
 *                  |                 |
 *                  +----300-699------+--> Completed (ACK sent) --Timer D=0--> Terminated
 *  non-INVITE:  Trying --1xx--> Proceeding --final--> Completed --Timer K=0--> Terminated
 *  either:      Timer B/F or a transport error --> Terminated
 * </pre>
 */
public enum TransactionState { CALLING, TRYING, PROCEEDING, COMPLETED, ACCEPTED, TERMINATED }
