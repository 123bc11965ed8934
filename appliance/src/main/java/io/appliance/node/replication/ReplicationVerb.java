package io.appliance.node.replication;

import io.appliance.replication.ReplicatedResource;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The drbdadm verbs of the API and the CLI, with the body flags each accepts. */
public enum ReplicationVerb {
    CREATE_MD("create-md", Set.of(VerbOptions.FORCE)) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.createMetadata(options.force());
        }
    },
    UP("up", Set.of()) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.up();
        }
    },
    DOWN("down", Set.of()) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.down();
        }
    },
    PRIMARY("primary", Set.of(VerbOptions.FORCE)) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.primary(options.force());
        }
    },
    SECONDARY("secondary", Set.of()) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.secondary();
        }
    },
    CONNECT("connect", Set.of(VerbOptions.DISCARD_MY_DATA)) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.connect(options.discardMyData());
        }
    },
    DISCONNECT("disconnect", Set.of()) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.disconnect();
        }
    },
    VERIFY("verify", Set.of()) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.verify();
        }
    },
    INVALIDATE("invalidate", Set.of()) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.invalidate();
        }
    },
    INVALIDATE_REMOTE("invalidate-remote", Set.of()) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.invalidateRemote();
        }
    },
    OUTDATE("outdate", Set.of()) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.outdate();
        }
    },
    RESIZE("resize", Set.of()) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.resize();
        }
    },
    NEW_CURRENT_UUID("new-current-uuid", Set.of(VerbOptions.CLEAR_BITMAP)) {
        @Override
        void run(ReplicatedResource resource, VerbOptions options) {
            resource.newCurrentUuid(options.clearBitmap());
        }
    };

    private final String drbdName;
    private final Set<String> flags;

    ReplicationVerb(String drbdName, Set<String> flags) {
        this.drbdName = drbdName;
        this.flags = flags;
    }

    /** As drbdadm spells it. */
    public String drbdName() {
        return drbdName;
    }

    /** The body fields this verb accepts. */
    public Set<String> flags() {
        return flags;
    }

    abstract void run(ReplicatedResource resource, VerbOptions options);

    public static Optional<ReplicationVerb> byName(String name) {
        return Arrays.stream(values()).filter(verb -> verb.drbdName.equals(name)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(ReplicationVerb::drbdName).collect(Collectors.joining(", "));
    }
}
