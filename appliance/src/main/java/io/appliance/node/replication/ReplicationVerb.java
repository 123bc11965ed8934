package io.appliance.node.replication;

import io.appliance.replication.ReplicatedResource;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/** The drbdadm verbs of the API and the CLI, with the body flags each accepts. */
public enum ReplicationVerb {
    CREATE_MD("create-md", Set.of(VerbOptions.FORCE), (resource, options) -> resource.createMetadata(options.force())),
    UP("up", Set.of(), (resource, options) -> resource.up()),
    DOWN("down", Set.of(), (resource, options) -> resource.down()),
    PRIMARY("primary", Set.of(VerbOptions.FORCE), (resource, options) -> resource.primary(options.force())),
    SECONDARY("secondary", Set.of(), (resource, options) -> resource.secondary()),
    CONNECT("connect", Set.of(VerbOptions.DISCARD_MY_DATA), (resource, options) -> resource.connect(options.discardMyData())),
    DISCONNECT("disconnect", Set.of(), (resource, options) -> resource.disconnect()),
    VERIFY("verify", Set.of(), (resource, options) -> resource.verify()),
    INVALIDATE("invalidate", Set.of(), (resource, options) -> resource.invalidate()),
    INVALIDATE_REMOTE("invalidate-remote", Set.of(), (resource, options) -> resource.invalidateRemote()),
    PAUSE_SYNC("pause-sync", Set.of(), (resource, options) -> resource.pauseSync()),
    RESUME_SYNC("resume-sync", Set.of(), (resource, options) -> resource.resumeSync()),
    OUTDATE("outdate", Set.of(), (resource, options) -> resource.outdate()),
    RESIZE("resize", Set.of(), (resource, options) -> resource.resize()),
    NEW_CURRENT_UUID("new-current-uuid", Set.of(VerbOptions.CLEAR_BITMAP),
            (resource, options) -> resource.newCurrentUuid(options.clearBitmap()));

    private final String drbdName;
    private final Set<String> flags;
    private final BiConsumer<ReplicatedResource, VerbOptions> action;

    ReplicationVerb(String drbdName, Set<String> flags, BiConsumer<ReplicatedResource, VerbOptions> action) {
        this.drbdName = drbdName;
        this.flags = flags;
        this.action = action;
    }

    /** As drbdadm spells it. */
    public String drbdName() {
        return drbdName;
    }

    /** The body fields this verb accepts. */
    public Set<String> flags() {
        return flags;
    }

    void run(ReplicatedResource resource, VerbOptions options) {
        action.accept(resource, options);
    }

    public static Optional<ReplicationVerb> byName(String name) {
        return Arrays.stream(values()).filter(verb -> verb.drbdName.equals(name)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(ReplicationVerb::drbdName).collect(Collectors.joining(", "));
    }
}
