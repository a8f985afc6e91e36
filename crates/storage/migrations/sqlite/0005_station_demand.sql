-- Where workers look for stations (searches) and use them (visits), counted per
-- day and grid cell of 0.01 degrees: enough to site a station, too coarse to
-- follow a person.
CREATE TABLE station_demand (
    day      TEXT NOT NULL,
    lat_cell INTEGER NOT NULL,
    lng_cell INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (day, lat_cell, lng_cell, kind)
);
CREATE INDEX station_demand_cell ON station_demand (lat_cell, lng_cell);
