package io.appliance.iscsi.scsi;

import java.util.Optional;

/**
 * A {@link ReservationStore} in memory: the state lives as long as this object. For logical units
 * whose reservations need not survive a restart, and for tests.
 */
public final class InMemoryReservationStore implements ReservationStore {

    private byte[] saved;

    @Override
    public synchronized Optional<byte[]> load() {
        return saved == null ? Optional.empty() : Optional.of(saved.clone());
    }

    @Override
    public synchronized void save(byte[] state) {
        saved = state.clone();
    }
}
