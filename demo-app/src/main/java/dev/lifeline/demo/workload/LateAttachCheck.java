package dev.lifeline.demo.workload;

import com.sun.tools.attach.VirtualMachine;

import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * An application that is already running when Lifeline arrives: it opens a connection to a port
 * where nothing listens (pgjdbc's driver is loaded and fails once), then attaches the agent to
 * itself ({@code -Djdk.attach.allowAttachSelf=true}), as an operator would with {@code jcmd} or
 * the attach API, and tries again. Prints {@code BEFORE ...} and {@code AFTER ...} lines: the
 * second connect is retried only if the already-loaded driver was retransformed.
 *
 * <p>Arguments: the agent jar, then the agent's arguments.
 */
public final class LateAttachCheck {

    private static final String URL = "jdbc:postgresql://127.0.0.1:1/none?user=nobody&connectTimeout=2";

    public static void main(String[] args) throws Exception {
        System.out.println("BEFORE " + attempt());
        VirtualMachine self = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
        try {
            self.loadAgent(args[0], args.length > 1 ? args[1] : "");
        } finally {
            self.detach();
        }
        System.out.println("AFTER " + attempt());
    }

    private static String attempt() {
        try {
            DriverManager.getConnection(URL).close();
            return "UNEXPECTED a server answered on port 1";
        } catch (SQLException e) {
            long earlier = java.util.Arrays.stream(e.getSuppressed()).filter(s -> s instanceof SQLException).count();
            return "attempts=" + (earlier + 1) + " sqlstate=" + e.getSQLState();
        }
    }
}
