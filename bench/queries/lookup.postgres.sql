-- The floor of `lookup.graphql`: the same answer built by PostgreSQL in one statement.
SELECT json_build_object('gemeente', json_build_object(
  'id', 'Gemeente:' || g.code,
  'code', g.code,
  'naam', g.naam,
  'begindatum', g.begindatum,
  'einddatum', g.einddatum,
  'provincie', json_build_object('code', p.code, 'naam', p.naam)))
FROM gemeente g JOIN provincie p ON p.id = g.provincie_id
WHERE g.code = 'GM0363';
