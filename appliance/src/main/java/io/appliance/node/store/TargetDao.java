package io.appliance.node.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Rows of {@code target}. Names compare case-insensitively (the column is COLLATE NOCASE). */
@RegisterRowMapper(TargetDao.Mapper.class)
public interface TargetDao {

    @SqlUpdate("INSERT INTO target (name, alias, open_access, created_at) VALUES (:name, :alias, :openAccess, :createdAt)")
    void insert(@Bind("name") String name, @Bind("alias") String alias, @Bind("openAccess") boolean openAccess,
            @Bind("createdAt") String createdAt);

    @SqlUpdate("UPDATE target SET alias = :alias, open_access = :openAccess WHERE name = :name")
    int update(@Bind("name") String name, @Bind("alias") String alias, @Bind("openAccess") boolean openAccess);

    @SqlUpdate("DELETE FROM target WHERE name = :name")
    int delete(@Bind("name") String name);

    @SqlQuery("SELECT * FROM target WHERE name = :name")
    Optional<TargetRecord> find(@Bind("name") String name);

    @SqlQuery("SELECT * FROM target ORDER BY name")
    List<TargetRecord> list();

    @SqlQuery("SELECT count(*) FROM target")
    int count();

    /** Maps a {@code target} row. */
    final class Mapper implements RowMapper<TargetRecord> {
        @Override
        public TargetRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new TargetRecord(rs.getString("name"), rs.getString("alias"), rs.getBoolean("open_access"),
                    Instant.parse(rs.getString("created_at")));
        }
    }
}
