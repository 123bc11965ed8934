package io.appliance.iscsi.target;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The targets this node serves, looked up by name at login and listed for SendTargets. iSCSI
 * names compare case-insensitively (RFC 3722 stringprep folds case). Thread safe.
 */
public final class TargetRegistry {

    private final ConcurrentMap<String, IscsiTarget> targets = new ConcurrentHashMap<>();
    private volatile Optional<ChapCredentials> discoveryChap = Optional.empty();
    private volatile Optional<ChapCredentials> discoveryMutualChap = Optional.empty();

    /** Adds or replaces a target's definition. */
    public void put(IscsiTarget target) {
        targets.put(key(target.name()), target);
    }

    public Optional<IscsiTarget> remove(String name) {
        return Optional.ofNullable(targets.remove(key(name)));
    }

    public Optional<IscsiTarget> find(String name) {
        return Optional.ofNullable(targets.get(key(name)));
    }

    /** Every target, sorted by name. */
    public List<IscsiTarget> all() {
        List<IscsiTarget> list = new ArrayList<>(targets.values());
        list.sort(Comparator.comparing(IscsiTarget::name));
        return list;
    }

    /** Targets {@code initiatorName} may log in to: what SendTargets=All reports to it. */
    public List<IscsiTarget> visibleTo(String initiatorName) {
        return all().stream().filter(t -> t.admit(initiatorName).isPresent()).toList();
    }

    /**
     * Credentials a discovery session must prove, and the ones the target proves back. Empty
     * means discovery sessions need no authentication.
     */
    public void setDiscoveryAuth(Optional<ChapCredentials> chap, Optional<ChapCredentials> mutualChap) {
        if (mutualChap.isPresent() && chap.isEmpty()) {
            throw new IllegalArgumentException("mutual discovery CHAP needs initiator CHAP as well");
        }
        this.discoveryChap = chap;
        this.discoveryMutualChap = mutualChap;
    }

    public Optional<ChapCredentials> discoveryChap() {
        return discoveryChap;
    }

    public Optional<ChapCredentials> discoveryMutualChap() {
        return discoveryMutualChap;
    }

    public Collection<String> names() {
        return all().stream().map(IscsiTarget::name).toList();
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
