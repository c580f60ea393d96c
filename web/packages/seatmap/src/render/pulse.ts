// The brief ring around a seat whose state just changed, so a watcher notices seats going
// while the map is still. Bounded: a burst larger than the cap pulses only its first seats.

export const PULSE_MS = 700;
const MAX_PULSES = 2000;

export class Pulses {
  private seats: number[] = [];
  private started: number[] = [];

  add(seat: number, now: number): void {
    if (this.seats.length >= MAX_PULSES) return;
    this.seats.push(seat);
    this.started.push(now);
  }

  /** Calls `visit` with each live pulse's seat and strength (1 → 0); drops finished ones. */
  forEach(now: number, visit: (seat: number, strength: number) => void): void {
    let kept = 0;
    for (let i = 0; i < this.seats.length; i += 1) {
      const age = now - (this.started[i] ?? 0);
      if (age >= PULSE_MS) continue;
      const seat = this.seats[i] ?? 0;
      visit(seat, 1 - age / PULSE_MS);
      this.seats[kept] = seat;
      this.started[kept] = this.started[i] ?? 0;
      kept += 1;
    }
    this.seats.length = kept;
    this.started.length = kept;
  }

  get active(): boolean {
    return this.seats.length > 0;
  }

  clear(): void {
    this.seats = [];
    this.started = [];
  }
}
