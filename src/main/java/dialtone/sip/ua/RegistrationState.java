package dialtone.sip.ua;

/**
 * <pre>
 *  Unregistered --register()--> Registering --2xx--> Registered --refresh timer--> Registering
 *        ^                          |  \--423: retry with Min-Expires          |
 *        |                          |--3xx-6xx, timeout--> Failed               |--unregister()--> Unregistering
 *        +------------------------------------------------------ 2xx/any answer -------------------+
 *  Registered --socket lost--> Unregistered (re-registers once reconnected)
 * </pre>
 */
public enum RegistrationState { UNREGISTERED, REGISTERING, REGISTERED, UNREGISTERING, FAILED }
