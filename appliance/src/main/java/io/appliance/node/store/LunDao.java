package io.appliance.node.store;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Rows of {@code lun}. */
@RegisterRowMapper(LunDao.Mapper.class)
public interface LunDao {

    @SqlUpdate("INSERT INTO lun (target_name, lun, uuid, backing_kind, backing_file, pool, volume, replicated_resource,"
            + " size_bytes, block_size, read_only, created_at) VALUES (:target, :lun, :uuid, :backingKind, :backingFile, :pool,"
            + " :volume, :replicatedResource, :sizeBytes, :blockSize, :readOnly, :createdAt)")
    void insert(@Bind("target") String target, @Bind("lun") int lun, @Bind("uuid") String uuid,
            @Bind("backingKind") String backingKind, @Bind("backingFile") String backingFile, @Bind("pool") String pool,
            @Bind("volume") String volume, @Bind("replicatedResource") String replicatedResource, @Bind("sizeBytes") long sizeBytes, @Bind("blockSize") int blockSize,
            @Bind("readOnly") boolean readOnly, @Bind("createdAt") String createdAt);

    @SqlUpdate("UPDATE lun SET size_bytes = :sizeBytes WHERE target_name = :target AND lun = :lun")
    int updateSize(@Bind("target") String target, @Bind("lun") int lun, @Bind("sizeBytes") long sizeBytes);

    @SqlUpdate("DELETE FROM lun WHERE target_name = :target AND lun = :lun")
    int delete(@Bind("target") String target, @Bind("lun") int lun);

    @SqlQuery("SELECT * FROM lun WHERE target_name = :target AND lun = :lun")
    Optional<LunRecord> find(@Bind("target") String target, @Bind("lun") int lun);

    @SqlQuery("SELECT * FROM lun WHERE target_name = :target ORDER BY lun")
    List<LunRecord> listOf(@Bind("target") String target);

    @SqlQuery("SELECT * FROM lun WHERE uuid = :uuid")
    Optional<LunRecord> findByUuid(@Bind("uuid") String uuid);

    @SqlQuery("SELECT * FROM lun WHERE backing_file = :backingFile")
    Optional<LunRecord> findByBackingFile(@Bind("backingFile") String backingFile);

    @SqlQuery("SELECT * FROM lun WHERE pool = :pool AND volume = :volume")
    Optional<LunRecord> findByVolume(@Bind("pool") String pool, @Bind("volume") String volume);

    @SqlQuery("SELECT * FROM lun WHERE replicated_resource = :resource ORDER BY target_name, lun")
    List<LunRecord> listOnReplicated(@Bind("resource") String resource);

    @SqlQuery("SELECT * FROM lun WHERE backing_kind = 'volume' AND pool = :pool ORDER BY volume")
    List<LunRecord> listOnPool(@Bind("pool") String pool);

    /** Maps a {@code lun} row. */
    final class Mapper implements RowMapper<LunRecord> {
        @Override
        public LunRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new LunRecord(rs.getString("target_name"), rs.getInt("lun"), UUID.fromString(rs.getString("uuid")),
                    backing(rs), rs.getLong("size_bytes"), rs.getInt("block_size"),
                    rs.getBoolean("read_only"), Instant.parse(rs.getString("created_at")));
        }

        private static LunBacking backing(ResultSet rs) throws SQLException {
            String kind = rs.getString("backing_kind");
            return switch (kind) {
                case "file" -> new LunBacking.File(Path.of(rs.getString("backing_file")));
                case "volume" -> new LunBacking.Volume(rs.getString("pool"), rs.getString("volume"));
                case "replicated" -> new LunBacking.Replicated(rs.getString("replicated_resource"));
                default -> throw new SQLException("unknown backing_kind '" + kind + "' in table lun");
            };
        }
    }
}
