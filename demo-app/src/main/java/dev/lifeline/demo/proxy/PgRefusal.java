package dev.lifeline.demo.proxy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Refuses one client the way PostgreSQL or a pooler in front of it does when it is full: it
 * speaks just enough of the wire protocol (SSLRequest/GSSENCRequest answered 'N', StartupMessage
 * read) to deliver a FATAL ErrorResponse that pgjdbc surfaces as a PSQLException with the
 * pooler's exact SQLState and message.
 */
final class PgRefusal {

    static final int SSL_REQUEST_CODE = 80877103;
    static final int GSSENC_REQUEST_CODE = 80877104;
    private static final int MAX_STARTUP_LENGTH = 10_000;
    private static final int READ_TIMEOUT_MILLIS = 5_000;

    private PgRefusal() {
    }

    /** Reads the client's startup, answers the ErrorResponse, closes the socket. */
    static void refuse(Socket client, String sqlState, String message) throws IOException {
        try (Socket s = client) {
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            // An encryption request comes first; 'N' tells the client to go on in plain text.
            // pgjdbc may ask for SSL, then (gssEncMode=prefer) for GSS: loop, bounded.
            for (int i = 0; i < 3; i++) {
                int length = in.readInt();
                if (length < 8 || length > MAX_STARTUP_LENGTH) {
                    throw new IOException("not a PostgreSQL startup packet, length " + length);
                }
                int code = in.readInt();
                in.readFully(new byte[length - 8]); // startup parameters: not needed
                boolean encryptionRequest = length == 8
                        && (code == SSL_REQUEST_CODE || code == GSSENC_REQUEST_CODE);
                if (!encryptionRequest) {
                    break;
                }
                out.write('N');
                out.flush();
            }
            out.write(errorResponse(sqlState, message));
            out.flush();
            s.shutdownOutput();
        }
    }

    /** 'E', Int32 length, then S/V/C/M fields as C strings, then a terminating 0. */
    static byte[] errorResponse(String sqlState, String message) {
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        field(fields, 'S', "FATAL");
        field(fields, 'V', "FATAL");
        field(fields, 'C', sqlState);
        field(fields, 'M', message);
        fields.write(0);
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(msg);
        try {
            data.writeByte('E');
            data.writeInt(4 + fields.size());
            fields.writeTo(data);
        } catch (IOException impossible) {
            throw new AssertionError(impossible);
        }
        return msg.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, char type, String value) {
        out.write(type);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        out.write(0);
    }
}
