package dialtone.sip.parser;

import dialtone.sip.message.SipMessage;
import java.util.List;

/** The outcome of parsing one message: the message (with any tolerated defects), or an error. Never an exception. */
public sealed interface ParseResult {
    /** @param defects tolerated oddities the layer above may act on (e.g. two Content-Length values) */
    record Ok(SipMessage message, List<String> defects) implements ParseResult {}

    /** @param startLine the start line when it was read (for reports), else null */
    record Err(ParseError error, String startLine) implements ParseResult {}
}
