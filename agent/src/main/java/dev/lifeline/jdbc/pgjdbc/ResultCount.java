package dev.lifeline.jdbc.pgjdbc;

/**
 * Implemented by pgjdbc's {@code PGStream} when Lifeline wove it as the class was defined: how many
 * result messages (see {@link ProtocolSignals#weight(int)}) the stream has read. The statement
 * wrapper reads it when a statement starts and again when it fails; a difference means the server
 * ran the statement. Counting is a field increment in the protocol reader, with no thread-local
 * lookup per message (a 20,000-row result reads 20,000 DataRows).
 */
public interface ResultCount {

    /** Result messages read on this stream since it was opened (wraps around; only differences matter). */
    int lifeline$resultMessages();
}
