-- A LUN may also be backed by a replicated disk (a DRBD-style resource), named in replicated_resource.
CREATE TABLE lun_v3 (
    target_name         TEXT NOT NULL COLLATE NOCASE REFERENCES target (name) ON DELETE CASCADE,
    lun                 INTEGER NOT NULL CHECK (lun BETWEEN 0 AND 16383),
    uuid                TEXT NOT NULL UNIQUE,
    backing_kind        TEXT NOT NULL CHECK (backing_kind IN ('file', 'volume', 'replicated')),
    backing_file        TEXT UNIQUE,
    pool                TEXT,
    volume              TEXT,
    replicated_resource TEXT,
    size_bytes          INTEGER NOT NULL CHECK (size_bytes > 0),
    block_size          INTEGER NOT NULL CHECK (block_size IN (512, 4096)),
    read_only           INTEGER NOT NULL CHECK (read_only IN (0, 1)),
    created_at          TEXT NOT NULL,
    PRIMARY KEY (target_name, lun),
    UNIQUE (pool, volume),
    CHECK ((backing_kind = 'file') = (backing_file IS NOT NULL)),
    CHECK ((backing_kind = 'volume') = (pool IS NOT NULL AND volume IS NOT NULL)),
    CHECK (backing_kind = 'volume' OR (pool IS NULL AND volume IS NULL)),
    CHECK ((backing_kind = 'replicated') = (replicated_resource IS NOT NULL))
);

INSERT INTO lun_v3 (target_name, lun, uuid, backing_kind, backing_file, pool, volume, replicated_resource, size_bytes,
                    block_size, read_only, created_at)
    SELECT target_name, lun, uuid, backing_kind, backing_file, pool, volume, NULL, size_bytes, block_size, read_only, created_at
    FROM lun;

DROP TABLE lun;

ALTER TABLE lun_v3 RENAME TO lun;
