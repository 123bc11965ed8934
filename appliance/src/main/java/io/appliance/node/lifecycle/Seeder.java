package io.appliance.node.lifecycle;

import io.appliance.node.config.SeedConfiguration;
import io.appliance.node.config.TargetSeed;
import io.appliance.node.model.AclSpec;
import io.appliance.node.model.LunSpec;
import io.appliance.node.runtime.TargetManager;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the seed's targets, LUNs and ACLs through the {@link TargetManager}, so that seeding
 * follows the same rules as the REST API. All or nothing: when one step fails, the targets created
 * so far are deleted again (their new LUN files stay and are adopted by the next attempt) and the
 * database is not marked seeded.
 */
final class Seeder {

    private static final Logger LOG = LoggerFactory.getLogger(Seeder.class);

    private Seeder() {
    }

    static void seed(TargetManager manager, SeedConfiguration seed) {
        List<String> created = new ArrayList<>();
        try {
            for (TargetSeed target : seed.getTargets()) {
                manager.createTarget(target.target());
                created.add(target.name());
                for (LunSpec lun : target.luns()) {
                    manager.createLun(target.name(), lun);
                }
                for (AclSpec acl : target.acls()) {
                    manager.createAcl(target.name(), acl);
                }
            }
        } catch (RuntimeException e) {
            undo(manager, created);
            throw new IllegalStateException("cannot apply the configuration's seed: " + e.getMessage(), e);
        }
        manager.markSeeded();
        LOG.info("Seeded the state database with {} target(s) from the configuration", created.size());
    }

    private static void undo(TargetManager manager, List<String> created) {
        for (String name : created) {
            try {
                manager.deleteTarget(name);
            } catch (RuntimeException e) {
                LOG.warn("Could not remove the partly seeded target {}", name, e);
            }
        }
    }
}
