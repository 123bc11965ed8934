package io.appliance.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.appliance.config.IscsiNames;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Targets to create when the state database has no targets yet: on the first start with a new
 * state directory. The database records that it was seeded, so a node whose targets were all
 * deleted through the API stays empty after a restart. From then on the database, changed through
 * the REST API, is the truth and the seed is ignored.
 */
@SelfValidating
public class SeedConfiguration {

    @Valid
    @NotNull
    @JsonProperty
    private List<TargetSeed> targets = List.of();

    public SeedConfiguration() {
    }

    public SeedConfiguration(List<TargetSeed> targets) {
        this.targets = List.copyOf(targets);
    }

    public List<TargetSeed> getTargets() {
        return targets;
    }

    @SelfValidation
    public void checkTargetNamesUnique(ViolationCollector violations) {
        if (targets == null) {
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            String name = targets.get(i).name();
            if (name != null && !names.add(IscsiNames.normalize(name))) {
                violations.addViolation("targets", i, "target " + name + " is defined twice");
            }
        }
    }
}
