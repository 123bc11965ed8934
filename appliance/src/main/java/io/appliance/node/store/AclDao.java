package io.appliance.node.store;

import io.appliance.config.ChapSettings;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Rows of {@code acl} and {@code acl_lun_mapping}. The row-level methods return entries without
 * their LUN mapping; {@link NodeStore} joins the two.
 */
@RegisterRowMapper(AclDao.Mapper.class)
public interface AclDao {

    @SqlUpdate("INSERT INTO acl (target_name, initiator, chap_user, chap_secret, mutual_chap_user, mutual_chap_secret, created_at)"
            + " VALUES (:target, :initiator, :chapUser, :chapSecret, :mutualChapUser, :mutualChapSecret, :createdAt)")
    void insert(@Bind("target") String target, @Bind("initiator") String initiator, @Bind("chapUser") String chapUser,
            @Bind("chapSecret") String chapSecret, @Bind("mutualChapUser") String mutualChapUser,
            @Bind("mutualChapSecret") String mutualChapSecret, @Bind("createdAt") String createdAt);

    @SqlUpdate("UPDATE acl SET chap_user = :chapUser, chap_secret = :chapSecret, mutual_chap_user = :mutualChapUser,"
            + " mutual_chap_secret = :mutualChapSecret WHERE target_name = :target AND initiator = :initiator")
    int updateChap(@Bind("target") String target, @Bind("initiator") String initiator, @Bind("chapUser") String chapUser,
            @Bind("chapSecret") String chapSecret, @Bind("mutualChapUser") String mutualChapUser,
            @Bind("mutualChapSecret") String mutualChapSecret);

    @SqlUpdate("DELETE FROM acl WHERE target_name = :target AND initiator = :initiator")
    int delete(@Bind("target") String target, @Bind("initiator") String initiator);

    @SqlQuery("SELECT * FROM acl WHERE target_name = :target AND initiator = :initiator")
    Optional<AclRecord> findWithoutMapping(@Bind("target") String target, @Bind("initiator") String initiator);

    @SqlQuery("SELECT * FROM acl WHERE target_name = :target ORDER BY initiator")
    List<AclRecord> listWithoutMapping(@Bind("target") String target);

    @SqlUpdate("INSERT INTO acl_lun_mapping (target_name, initiator, initiator_lun, target_lun)"
            + " VALUES (:target, :initiator, :initiatorLun, :targetLun)")
    void insertMapping(@Bind("target") String target, @Bind("initiator") String initiator,
            @Bind("initiatorLun") int initiatorLun, @Bind("targetLun") int targetLun);

    @SqlUpdate("DELETE FROM acl_lun_mapping WHERE target_name = :target AND initiator = :initiator")
    int deleteMapping(@Bind("target") String target, @Bind("initiator") String initiator);

    @SqlQuery("SELECT initiator_lun, target_lun FROM acl_lun_mapping WHERE target_name = :target AND initiator = :initiator")
    @RegisterRowMapper(MappingEntryMapper.class)
    List<Map.Entry<Integer, Integer>> mapping(@Bind("target") String target, @Bind("initiator") String initiator);

    /** Initiators whose ACL maps some initiator LUN to the target's LUN {@code lun}. */
    @SqlQuery("SELECT DISTINCT initiator FROM acl_lun_mapping WHERE target_name = :target AND target_lun = :lun ORDER BY initiator")
    List<String> initiatorsMappingTo(@Bind("target") String target, @Bind("lun") int lun);

    /** Maps an {@code acl} row, with an empty LUN mapping. */
    final class Mapper implements RowMapper<AclRecord> {
        @Override
        public AclRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
            ChapSettings chap = new ChapSettings(rs.getString("chap_user"), rs.getString("chap_secret"),
                    rs.getString("mutual_chap_user"), rs.getString("mutual_chap_secret"));
            return new AclRecord(rs.getString("target_name"), rs.getString("initiator"), chap, Map.of(),
                    Instant.parse(rs.getString("created_at")));
        }
    }

    /** Maps an {@code acl_lun_mapping} row to initiator LUN → target LUN. */
    final class MappingEntryMapper implements RowMapper<Map.Entry<Integer, Integer>> {
        @Override
        public Map.Entry<Integer, Integer> map(ResultSet rs, StatementContext ctx) throws SQLException {
            return Map.entry(rs.getInt("initiator_lun"), rs.getInt("target_lun"));
        }
    }
}
