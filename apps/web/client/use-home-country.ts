import { useCallback, useState } from 'react';
import { loadHomeCountry, saveHomeCountry } from './lib/prefs';

/** The page's home-country setting (default KR), remembered in this browser. */
export function useHomeCountry(): [string, (code: string) => void] {
  const [home, setHome] = useState(() => loadHomeCountry(localStorage));
  const change = useCallback((code: string) => {
    saveHomeCountry(localStorage, code);
    setHome(code);
  }, []);
  return [home, change];
}
