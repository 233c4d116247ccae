-- The floor of `nested.graphql`. A participation counts on a date when its begin is known and
-- the date lies in its period; the server sorts fusies by (begindatum, sleutel) and deelnames by
-- (begindatum, id), an unknown date first, comparing text bytewise (hence COLLATE "C").
SELECT json_build_object('gemeenten', json_build_object('edges', coalesce(json_agg(json_build_object('node', json_build_object(
  'id', 'Gemeente:' || g.code,
  'naam', g.naam,
  'provincie', json_build_object('naam', p.naam),
  'ambtelijkeFusies', (
    SELECT coalesce(json_agg(json_build_object(
      '__typename', CASE f.vorm WHEN 'FUSIEORGANISATIE' THEN 'Fusieorganisatie' ELSE 'Centrumconstructie' END,
      'naam', f.naam,
      'afkorting', f.afkorting,
      'rechtsvorm', f.rechtsvorm,
      'reikwijdte', f.reikwijdte,
      'begindatum', f.begindatum,
      'einddatum', f.einddatum,
      'eindreden', f.eindreden,
      'deelnames', (
        SELECT coalesce(json_agg(json_build_object(
          'rol', d.rol,
          'gemeente', json_build_object('code', dg.code, 'naam', dg.naam))
          ORDER BY d.begindatum NULLS FIRST, d.id), '[]')
        FROM deelname d JOIN gemeente dg ON dg.id = d.gemeente_id
        WHERE d.ambtelijke_fusie_id = f.id
          AND d.begindatum <= DATE '2015-01-01' AND (d.einddatum IS NULL OR d.einddatum >= DATE '2015-01-01')))
      ORDER BY f.begindatum NULLS FIRST, f.sleutel COLLATE "C"), '[]')
    FROM ambtelijke_fusie f
    WHERE f.id IN (
      SELECT d.ambtelijke_fusie_id FROM deelname d
      WHERE d.gemeente_id = g.id
        AND d.begindatum <= DATE '2015-01-01' AND (d.einddatum IS NULL OR d.einddatum >= DATE '2015-01-01')))))
  ORDER BY g.code), '[]')))
FROM (SELECT * FROM gemeente ORDER BY code LIMIT 100) g JOIN provincie p ON p.id = g.provincie_id;
