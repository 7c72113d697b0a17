package dev.lifeline.it;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.workload.DriverInterfacesCheck;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The connection Lifeline hands out keeps pgjdbc's own interfaces and classes working: no code change needed. */
class DriverInterfacesTest {

    @Test
    void unwrapCastsAndStatementConnectionsBehaveAsWithoutTheAgent() throws Exception {
        try (Database database = Database.embedded()) {
            for (ChildJvm jvm : new ChildJvm[]{ChildJvm.withoutAgent(), ChildJvm.withAgent("")}) {
                ChildJvm.Result result = jvm.run(DriverInterfacesCheck.class, 60, "url=" + database.url());
                assertEquals(0, result.resultInt("failed"), result.toString());
                assertEquals(8, result.resultInt("ok"), result.toString());
            }
        }
    }
}
