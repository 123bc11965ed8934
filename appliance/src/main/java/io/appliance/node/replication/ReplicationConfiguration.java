package io.appliance.node.replication;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The node configuration's {@code replication} section: replicated disks ("resources", DRBD's
 * word) with DRBD's key spellings.
 *
 * <ul>
 *   <li>{@code autoUp} (default true): at start, every resource whose metadata exists is brought up
 *       (Secondary); a resource without metadata waits for {@code create-md}.
 *   <li>{@code resFiles}: DRBD {@code .res} files imported at start, after {@code resources}.
 *   <li>{@code resources}: see {@link ResourceConfiguration}.
 * </ul>
 *
 * <p>Every value is checked when the file is loaded; a bad one stops the start with a message that
 * names it, e.g. {@code replication.resources[0].protocol: D is not one of A, B, C}.
 */
@SelfValidating
public class ReplicationConfiguration {

    @JsonProperty
    private boolean autoUp = true;

    @NotNull
    @JsonProperty
    private List<Path> resFiles = List.of();

    @NotNull
    @JsonProperty
    private List<ResourceConfiguration> resources = List.of();

    public boolean isAutoUp() {
        return autoUp;
    }

    public List<Path> getResFiles() {
        return resFiles;
    }

    public List<ResourceConfiguration> getResources() {
        return resources;
    }

    public ReplicationConfiguration setAutoUp(boolean autoUp) {
        this.autoUp = autoUp;
        return this;
    }

    public ReplicationConfiguration setResFiles(List<Path> resFiles) {
        this.resFiles = List.copyOf(resFiles);
        return this;
    }

    public ReplicationConfiguration setResources(List<ResourceConfiguration> resources) {
        this.resources = List.copyOf(resources);
        return this;
    }

    /**
     * The resources as typed definitions, relative disk paths resolved against
     * {@code stateDirectory}.
     *
     * @param isPool tells a {@code POOL/LV} disk from a relative file path: {@code a/b} is a
     *               volume when {@code a} is one of this node's pools
     * @throws ReplicationConfigurationException listing every bad value, each named by its path
     */
    public List<ConfiguredResource> definitions(Path stateDirectory, Predicate<String> isPool) {
        List<String> problems = new ArrayList<>();
        List<ConfiguredResource> converted = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < resources.size(); i++) {
            String path = "replication.resources[" + i + "]";
            ResourceConfiguration resource = resources.get(i);
            if (resource == null) {
                problems.add(path + ": must not be null");
                continue;
            }
            if (resource.name() != null && !names.add(resource.name())) {
                problems.add(path + ".name: resource " + resource.name() + " is defined twice");
            }
            resource.toDefinition(path, stateDirectory, isPool, problems).ifPresent(converted::add);
        }
        if (!problems.isEmpty()) {
            throw new ReplicationConfigurationException(problems);
        }
        return List.copyOf(converted);
    }

    /** Checks every resource at load time (no pools known yet: {@code a/b} disks count as files here). */
    @SelfValidation
    public void checkResources(ViolationCollector violations) {
        try {
            definitions(Path.of("/"), pool -> false);
        } catch (ReplicationConfigurationException e) {
            e.problems().forEach(problem -> violations.addViolation(problem));
        }
    }
}
