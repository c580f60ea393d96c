//! Distances on the Earth's surface for radius search.
//!
//! The read store has no geospatial operators, so a radius search is a latitude/longitude
//! range query (the bounding box, which an ordinary index can serve) refined here with the
//! exact great-circle distance.

use std::f64::consts::PI;

/// Mean Earth radius (IUGG), in km.
const EARTH_RADIUS_KM: f64 = 6371.0088;
/// Length of one degree of latitude, and of longitude at the equator.
pub(crate) const KM_PER_DEGREE: f64 = EARTH_RADIUS_KM * PI / 180.0;

/// A point in decimal degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates {
    pub latitude: f64,
    pub longitude: f64,
}

/// Why a `LAT,LNG` pair was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoordinatesError {
    #[error("expected LAT,LNG in decimal degrees, e.g. 51.4545,-2.5879")]
    Format,
    #[error("latitude must be between -90 and 90")]
    Latitude,
    #[error("longitude must be between -180 and 180")]
    Longitude,
}

impl Coordinates {
    /// Parses `LAT,LNG` (spaces around either number are allowed).
    pub fn parse(text: &str) -> Result<Self, CoordinatesError> {
        let (latitude, longitude) = text.split_once(',').ok_or(CoordinatesError::Format)?;
        let number = |part: &str| {
            part.trim()
                .parse::<f64>()
                .ok()
                .filter(|value| value.is_finite())
                .ok_or(CoordinatesError::Format)
        };
        let (latitude, longitude) = (number(latitude)?, number(longitude)?);
        if !(-90.0..=90.0).contains(&latitude) {
            return Err(CoordinatesError::Latitude);
        }
        if !(-180.0..=180.0).contains(&longitude) {
            return Err(CoordinatesError::Longitude);
        }
        Ok(Self {
            latitude,
            longitude,
        })
    }

    /// Great-circle distance in km (haversine; well conditioned for short distances).
    pub fn distance_km(self, other: Coordinates) -> f64 {
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dlat = lat2 - lat1;
        let dlng = (other.longitude - self.longitude).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlng / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

/// Everything within `radius_km` of `centre`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    pub centre: Coordinates,
    pub radius_km: f64,
}

impl Circle {
    /// The distance from the centre, when `point` lies inside the circle.
    pub fn distance_within(&self, point: Coordinates) -> Option<f64> {
        let distance = self.centre.distance_km(point);
        (distance <= self.radius_km).then_some(distance)
    }

    /// A latitude/longitude box that contains the whole circle.
    pub fn bounding_box(&self) -> BoundingBox {
        let dlat = self.radius_km / KM_PER_DEGREE;
        let (south, north) = (self.centre.latitude - dlat, self.centre.latitude + dlat);
        // Over a pole every longitude is within reach.
        if south <= -90.0 || north >= 90.0 {
            return BoundingBox {
                south: south.max(-90.0),
                north: north.min(90.0),
                longitude: None,
            };
        }
        // The widest part of the circle is at the latitude nearest a pole, not at the
        // centre: take the smaller cosine of the two edges.
        let narrowest = south.abs().max(north.abs()).to_radians().cos();
        let dlng = self.radius_km / (KM_PER_DEGREE * narrowest);
        let (west, east) = (self.centre.longitude - dlng, self.centre.longitude + dlng);
        // A box across the antimeridian would need two ranges; the latitude band alone still
        // narrows the candidates, and the exact distance check does the rest.
        let longitude = (west >= -180.0 && east <= 180.0).then_some((west, east));
        BoundingBox {
            south,
            north,
            longitude,
        }
    }
}

/// A latitude band, narrowed to a longitude range where one range suffices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub south: f64,
    pub north: f64,
    /// `(west, east)`; `None` means any longitude.
    pub longitude: Option<(f64, f64)>,
}

impl BoundingBox {
    pub fn contains(&self, point: Coordinates) -> bool {
        (self.south..=self.north).contains(&point.latitude)
            && self
                .longitude
                .is_none_or(|(west, east)| (west..=east).contains(&point.longitude))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRISTOL: Coordinates = Coordinates {
        latitude: 51.4545,
        longitude: -2.5879,
    };
    const BATH: Coordinates = Coordinates {
        latitude: 51.3811,
        longitude: -2.3590,
    };
    const LONDON: Coordinates = Coordinates {
        latitude: 51.5072,
        longitude: -0.1276,
    };

    fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
        (actual - expected).abs() <= tolerance
    }

    #[test]
    fn parses_lat_lng_pairs() {
        assert_eq!(Coordinates::parse("51.4545,-2.5879"), Ok(BRISTOL));
        assert_eq!(Coordinates::parse(" 51.4545 , -2.5879 "), Ok(BRISTOL));
        assert_eq!(
            Coordinates::parse("-90,180"),
            Ok(Coordinates {
                latitude: -90.0,
                longitude: 180.0
            })
        );
    }

    #[test]
    fn refuses_malformed_or_out_of_range_pairs() {
        for text in [
            "",
            "51.4",
            "51.4,",
            "a,b",
            "51.4;-2.5",
            "1,2,3",
            "NaN,0",
            "inf,0",
        ] {
            assert_eq!(
                Coordinates::parse(text),
                Err(CoordinatesError::Format),
                "{text}"
            );
        }
        assert_eq!(Coordinates::parse("91,0"), Err(CoordinatesError::Latitude));
        assert_eq!(
            Coordinates::parse("0,-180.5"),
            Err(CoordinatesError::Longitude)
        );
    }

    #[test]
    fn distances_between_real_cities() {
        // Reference great-circle distances on a 6371 km sphere.
        assert!(close(BRISTOL.distance_km(BATH), 17.85, 0.01));
        assert!(close(BRISTOL.distance_km(LONDON), 170.47, 0.01));
        assert_eq!(BRISTOL.distance_km(BRISTOL), 0.0);
        assert!(close(
            BRISTOL.distance_km(BATH),
            BATH.distance_km(BRISTOL),
            1e-9
        ));
    }

    #[test]
    fn distances_are_sane_at_the_extremes() {
        let north_pole = Coordinates {
            latitude: 90.0,
            longitude: 0.0,
        };
        let south_pole = Coordinates {
            latitude: -90.0,
            longitude: 45.0,
        };
        assert!(close(
            north_pole.distance_km(south_pole),
            PI * EARTH_RADIUS_KM,
            1e-6
        ));
        let west = Coordinates {
            latitude: 0.0,
            longitude: 179.9,
        };
        let east = Coordinates {
            latitude: 0.0,
            longitude: -179.9,
        };
        assert!(close(west.distance_km(east), 0.2 * KM_PER_DEGREE, 1e-6));
    }

    #[test]
    fn the_bounding_box_contains_every_point_of_the_circle() {
        for centre in [
            BRISTOL,
            Coordinates {
                latitude: 69.6,
                longitude: 18.9,
            },
            Coordinates {
                latitude: -54.8,
                longitude: -68.3,
            },
        ] {
            let circle = Circle {
                centre,
                radius_km: 100.0,
            };
            let bbox = circle.bounding_box();
            // Walk the circle's edge: each point is at the radius and inside the box.
            for step in 0..360 {
                let bearing = f64::from(step).to_radians();
                let point = destination(centre, bearing, 99.999);
                assert!(circle.distance_within(point).is_some());
                assert!(bbox.contains(point), "{point:?} outside {bbox:?}");
            }
        }
    }

    #[test]
    fn the_bounding_box_is_tight_enough_to_exclude_far_cities() {
        let bbox = Circle {
            centre: BRISTOL,
            radius_km: 50.0,
        }
        .bounding_box();
        assert!(bbox.contains(BATH));
        assert!(!bbox.contains(LONDON));
    }

    #[test]
    fn boxes_over_a_pole_or_the_antimeridian_keep_every_longitude() {
        let polar = Circle {
            centre: Coordinates {
                latitude: 89.9,
                longitude: 0.0,
            },
            radius_km: 50.0,
        }
        .bounding_box();
        assert_eq!((polar.north, polar.longitude), (90.0, None));
        let fiji = Circle {
            centre: Coordinates {
                latitude: -17.7,
                longitude: 179.9,
            },
            radius_km: 50.0,
        }
        .bounding_box();
        assert_eq!(fiji.longitude, None);
        assert!(fiji.south < -17.7 && fiji.north > -17.7);
    }

    #[test]
    fn only_points_inside_the_radius_are_within_it() {
        let circle = Circle {
            centre: BRISTOL,
            radius_km: 17.8,
        };
        assert_eq!(circle.distance_within(BATH), None);
        let wider = Circle {
            radius_km: 17.9,
            ..circle
        };
        assert!(
            wider
                .distance_within(BATH)
                .is_some_and(|d| close(d, 17.85, 0.01))
        );
    }

    /// The point `distance_km` from `start` along `bearing` (radians from north).
    fn destination(start: Coordinates, bearing: f64, distance_km: f64) -> Coordinates {
        let angular = distance_km / EARTH_RADIUS_KM;
        let lat1 = start.latitude.to_radians();
        let lng1 = start.longitude.to_radians();
        let lat2 = (lat1.sin() * angular.cos() + lat1.cos() * angular.sin() * bearing.cos()).asin();
        let lng2 = lng1
            + (bearing.sin() * angular.sin() * lat1.cos())
                .atan2(angular.cos() - lat1.sin() * lat2.sin());
        Coordinates {
            latitude: lat2.to_degrees(),
            longitude: lng2.to_degrees(),
        }
    }
}
