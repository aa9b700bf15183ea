-- The login throttle keys its lock on username and client address (issue 12): an index for
-- that pair, and the addresses each user has logged in from (where strangers elsewhere can
-- never lock them out).

CREATE INDEX login_failures_by_username_client ON login_failures (username, client, at);

CREATE TABLE login_known_addresses (
    username   TEXT    NOT NULL,
    client     TEXT    NOT NULL,
    last_login INTEGER NOT NULL,
    PRIMARY KEY (username, client)
) STRICT, WITHOUT ROWID;
CREATE INDEX login_known_addresses_by_time ON login_known_addresses (last_login);
