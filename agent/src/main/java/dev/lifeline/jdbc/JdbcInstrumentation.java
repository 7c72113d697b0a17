package dev.lifeline.jdbc;

import net.bytebuddy.agent.builder.AgentBuilder;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/** The JDBC types Lifeline instruments and the advice each gets. */
public final class JdbcInstrumentation {

    private JdbcInstrumentation() {
    }

    public static AgentBuilder apply(AgentBuilder builder) {
        return builder
                // Any JDBC driver: pgjdbc, and through it DriverManager.getConnection.
                .type(not(isInterface()).and(hasSuperType(named("java.sql.Driver"))))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(JdbcInstrumentation.class.getClassLoader())
                        .advice(named("connect").and(takesArguments(2)).and(takesArgument(0, String.class))
                                        .and(returns(named("java.sql.Connection"))).and(not(isAbstract())),
                                DriverConnectAdvice.class.getName()))
                // Any DataSource: HikariCP, pgjdbc's, an application's own.
                .type(not(isInterface()).and(hasSuperType(named("javax.sql.DataSource"))))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(JdbcInstrumentation.class.getClassLoader())
                        .advice(named("getConnection").and(takesArguments(0))
                                        .and(returns(named("java.sql.Connection"))).and(not(isAbstract())),
                                DataSourceAdvice.NoArguments.class.getName())
                        .advice(named("getConnection").and(takesArguments(2))
                                        .and(takesArgument(0, String.class)).and(takesArgument(1, String.class))
                                        .and(returns(named("java.sql.Connection"))).and(not(isAbstract())),
                                DataSourceAdvice.WithCredentials.class.getName()))
                // HikariCP pools: tuned when their configuration is validated, before it is sealed.
                .type(named("com.zaxxer.hikari.HikariConfig"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(JdbcInstrumentation.class.getClassLoader())
                        .advice(named("validate").and(takesArguments(0)), HikariValidateAdvice.class.getName()))
                // pgjdbc's protocol reader: tells whether a statement's result arrived before a failure.
                .type(named("org.postgresql.core.PGStream"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(JdbcInstrumentation.class.getClassLoader())
                        .advice(named("receiveChar").and(takesArguments(0)), PgStreamAdvice.class.getName()));
    }
}
