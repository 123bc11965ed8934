package io.appliance.node.store;

import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The node's own facts ({@code node_fact}): small named values such as when it was seeded. */
public interface NodeFactDao {

    @SqlUpdate("INSERT INTO node_fact (name, value) VALUES (:name, :value)"
            + " ON CONFLICT (name) DO UPDATE SET value = excluded.value")
    void put(@Bind("name") String name, @Bind("value") String value);

    @SqlQuery("SELECT value FROM node_fact WHERE name = :name")
    Optional<String> get(@Bind("name") String name);
}
