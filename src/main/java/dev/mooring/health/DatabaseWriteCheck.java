package dev.mooring.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Ready only while the database commits a write (the one row of {@code health_probe}): a full disk or a database
 * that went away makes it DOWN, while a check that only reads or pings would still say UP.
 */
@Readiness
@ApplicationScoped
public class DatabaseWriteCheck implements HealthCheck {

    private static final int TIMEOUT_SECONDS = 5;

    private final DataSource dataSource;

    public DatabaseWriteCheck(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public HealthCheckResponse call() {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE health_probe SET checked_at = ? WHERE id = 1")) {
                ps.setQueryTimeout(TIMEOUT_SECONDS);
                ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC));
                ps.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
            return HealthCheckResponse.up("database writes");
        } catch (SQLException | RuntimeException e) {
            String state = e instanceof SQLException sql ? " (SQL state " + sql.getSQLState() + ")" : "";
            return HealthCheckResponse.named("database writes").down()
                    .withData("problem", "the database cannot commit a write: " + e.getClass().getSimpleName() + state)
                    .build();
        }
    }
}
