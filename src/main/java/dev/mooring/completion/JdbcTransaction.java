package dev.mooring.completion;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs JDBC work in a transaction of its own, on a connection of its own: committed, or rolled back and rethrown. */
final class JdbcTransaction {

    /** The work, on the transaction's connection. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private JdbcTransaction() {
    }

    /** Its result once committed; a rollback inside {@code work} stands. {@code what} names the write in the error. */
    static <T> T run(DataSource dataSource, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(what + " failed", e);
        }
    }
}
