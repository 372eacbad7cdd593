import type { TravelPassView } from '@account-security/shared/contracts';
import {
  MAX_TRAVEL_PASSES,
  checkTravelPass,
  dayEndIso,
  dayStartIso,
  isoToDay,
  toTravelPass,
  travelPassRefusal,
  travelPassState,
} from '../../client/lib/travel-passes';

const pass: TravelPassView = {
  country: 'JP',
  from: '2026-12-01T00:00:00.000Z',
  until: '2026-12-10T00:00:00.000Z',
};
const fields = (problems: ReturnType<typeof checkTravelPass>) => problems.map((p) => [p.field, p.key]);

describe('travel passes in the form', () => {
  test('when a pass is made from two days, then it runs from the start of the first to the end of the last, in local time', () => {
    const p = toTravelPass({ country: 'JP', from: '2026-12-01', until: '2026-12-15' });
    expect(p.country).toBe('JP');
    expect(new Date(p.from).getDate()).toBe(1);
    expect(new Date(p.from).getHours()).toBe(0);
    expect(new Date(p.until).getDate()).toBe(15);
    expect(new Date(p.until).getHours()).toBe(23);
    expect(Date.parse(p.until) - Date.parse(p.from)).toBe(15 * 86_400_000 - 1);
    expect(isoToDay(p.from)).toBe('2026-12-01');
    expect(isoToDay(p.until)).toBe('2026-12-15');
  });

  test('when a day does not exist, then it is not a day', () => {
    expect(dayStartIso('2026-02-31')).toBeNull();
    expect(dayEndIso('15/12/2026')).toBeNull();
    expect(dayStartIso('')).toBeNull();
  });

  test('when a one-day trip is added, then it is valid (the last day may be the first)', () => {
    expect(checkTravelPass({ country: 'JP', from: '2026-12-01', until: '2026-12-01' }, [])).toEqual([]);
  });

  test('when fields are missing, then each problem names its field', () => {
    expect(fields(checkTravelPass({ country: '', from: '', until: '' }, []))).toEqual([
      ['country', 'travelErrCountry'],
      ['from', 'travelErrFrom'],
      ['until', 'travelErrUntil'],
    ]);
  });

  test('when the last day is before the first, then until is wrong', () => {
    expect(fields(checkTravelPass({ country: 'JP', from: '2026-12-10', until: '2026-12-09' }, []))).toEqual([
      ['until', 'travelErrOrder'],
    ]);
  });

  test('when a pass is longer than 90 days, then until is wrong; exactly 90 days is fine', () => {
    // 2026-12-01 + 89 days = 2027-02-28: 90 whole days.
    expect(checkTravelPass({ country: 'US', from: '2026-12-01', until: '2027-02-28' }, [])).toEqual([]);
    const long = checkTravelPass({ country: 'US', from: '2026-12-01', until: '2027-03-01' }, []);
    expect(fields(long)).toEqual([['until', 'travelErrLength']]);
    expect(long[0]!.params).toEqual({ days: 90 });
  });

  test('when ten passes exist, then an eleventh is refused whatever it is', () => {
    const ten = Array.from({ length: MAX_TRAVEL_PASSES }, () => pass);
    expect(fields(checkTravelPass({ country: 'JP', from: '2026-12-01', until: '2026-12-02' }, ten))).toEqual([
      ['list', 'travelErrMax'],
    ]);
    expect(checkTravelPass({ country: 'JP', from: '2026-12-01', until: '2026-12-02' }, ten.slice(1))).toEqual(
      [],
    );
  });

  test('when a pass is shown, then it is active, upcoming or ended by the clock', () => {
    expect(travelPassState(pass, Date.parse('2026-12-05T00:00:00Z'))).toBe('active');
    expect(travelPassState(pass, Date.parse('2026-11-05T00:00:00Z'))).toBe('upcoming');
    expect(travelPassState(pass, Date.parse('2026-12-11T00:00:00Z'))).toBe('ended');
  });

  test('when the server refuses a pass, then its 400 names which pass and which field', () => {
    expect(travelPassRefusal('body.travelPasses.1.until: must be at most 90 days after from')).toEqual({
      index: 1,
      field: 'until',
      problem: 'must be at most 90 days after from',
    });
    expect(
      travelPassRefusal('body.travelPasses.0.country: is not an ISO 3166-1 alpha-2 country code'),
    ).toEqual({
      index: 0,
      field: 'country',
      problem: 'is not an ISO 3166-1 alpha-2 country code',
    });
    expect(travelPassRefusal('body.travelPasses: Too big: expected array to have <=10 items')).toEqual({
      index: null,
      field: null,
      problem: 'Too big: expected array to have <=10 items',
    });
    expect(travelPassRefusal('body.email: is required when channels include email')).toBeNull();
  });
});
