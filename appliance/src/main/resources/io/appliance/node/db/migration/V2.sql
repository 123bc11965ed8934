-- A LUN is backed by a file or by an LVM logical volume (pool = volume group, volume = logical volume).
CREATE TABLE lun_v2 (
    target_name  TEXT NOT NULL COLLATE NOCASE REFERENCES target (name) ON DELETE CASCADE,
    lun          INTEGER NOT NULL CHECK (lun BETWEEN 0 AND 16383),
    uuid         TEXT NOT NULL UNIQUE,
    backing_kind TEXT NOT NULL CHECK (backing_kind IN ('file', 'volume')),
    backing_file TEXT UNIQUE,
    pool         TEXT,
    volume       TEXT,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0),
    block_size   INTEGER NOT NULL CHECK (block_size IN (512, 4096)),
    read_only    INTEGER NOT NULL CHECK (read_only IN (0, 1)),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (target_name, lun),
    UNIQUE (pool, volume),
    CHECK ((backing_kind = 'file') = (backing_file IS NOT NULL)),
    CHECK ((backing_kind = 'volume') = (pool IS NOT NULL AND volume IS NOT NULL)),
    CHECK (backing_kind = 'volume' OR (pool IS NULL AND volume IS NULL))
);

INSERT INTO lun_v2 (target_name, lun, uuid, backing_kind, backing_file, pool, volume, size_bytes, block_size, read_only, created_at)
    SELECT target_name, lun, uuid, 'file', backing_file, NULL, NULL, size_bytes, block_size, read_only, created_at FROM lun;

DROP TABLE lun;

ALTER TABLE lun_v2 RENAME TO lun;
