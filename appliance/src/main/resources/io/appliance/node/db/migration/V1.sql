-- Targets, their logical units and access control entries; the node's own key/value facts.
CREATE TABLE node_fact (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE target (
    name        TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
    alias       TEXT NOT NULL,
    open_access INTEGER NOT NULL CHECK (open_access IN (0, 1)),
    created_at  TEXT NOT NULL
);

CREATE TABLE lun (
    target_name  TEXT NOT NULL COLLATE NOCASE REFERENCES target (name) ON DELETE CASCADE,
    lun          INTEGER NOT NULL CHECK (lun BETWEEN 0 AND 16383),
    uuid         TEXT NOT NULL UNIQUE,
    backing_file TEXT NOT NULL UNIQUE,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0),
    block_size   INTEGER NOT NULL CHECK (block_size IN (512, 4096)),
    read_only    INTEGER NOT NULL CHECK (read_only IN (0, 1)),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (target_name, lun)
);

CREATE TABLE acl (
    target_name        TEXT NOT NULL COLLATE NOCASE REFERENCES target (name) ON DELETE CASCADE,
    initiator          TEXT NOT NULL COLLATE NOCASE,
    chap_user          TEXT,
    chap_secret        TEXT,
    mutual_chap_user   TEXT,
    mutual_chap_secret TEXT,
    created_at         TEXT NOT NULL,
    PRIMARY KEY (target_name, initiator),
    CHECK ((chap_user IS NULL) = (chap_secret IS NULL)),
    CHECK ((mutual_chap_user IS NULL) = (mutual_chap_secret IS NULL)),
    CHECK (mutual_chap_user IS NULL OR chap_user IS NOT NULL)
);

CREATE TABLE acl_lun_mapping (
    target_name   TEXT NOT NULL COLLATE NOCASE,
    initiator     TEXT NOT NULL COLLATE NOCASE,
    initiator_lun INTEGER NOT NULL CHECK (initiator_lun BETWEEN 0 AND 16383),
    target_lun    INTEGER NOT NULL CHECK (target_lun BETWEEN 0 AND 16383),
    PRIMARY KEY (target_name, initiator, initiator_lun),
    FOREIGN KEY (target_name, initiator) REFERENCES acl (target_name, initiator) ON DELETE CASCADE
);
