// Examples of the call flags that change what a call does or reports, for `oneoffice --help` and
// every method's --help (the README shows the same).
export const CALL_FLAG_EXAMPLES = [
  "  oneoffice getUserByEmail --email test1@oneoffice.bh -w '\\n%{http_code} %{time_total}\\n'   # status and time after the body",
  "  oneoffice getUserByEmail --email test1@oneoffice.bh -w '%{stderr}%{json}\\n'               # every -w value as JSON, on stderr",
  '  oneoffice getUserByEmail --email test1@oneoffice.bh --cert client.pem --key client-key.pem --pass-env KEY_PASS',
];
