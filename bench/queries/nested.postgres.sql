-- The floor of `nested.graphql`. A participation counts on a date when its begin is known and
-- the date lies in its period; the server sorts fusies by (begindatum, sleutel) and deelnames by
-- (begindatum, id), an unknown date first, comparing text bytewise (hence COLLATE "C"). Rows are
-- reached by key (LATERAL kept apart by OFFSET 0, scalar subqueries) so that the plan stays an
-- index walk at any scale.
SELECT json_build_object('gemeenten', json_build_object('edges', coalesce(json_agg(json_build_object('node', json_build_object(
  'id', 'Gemeente:' || g.code,
  'naam', g.naam,
  'provincie', (SELECT json_build_object('naam', p.naam) FROM provincie p WHERE p.id = g.provincie_id),
  'ambtelijkeFusies', (
    SELECT coalesce(json_agg(f.json ORDER BY f.begindatum NULLS FIRST, f.sleutel COLLATE "C"), '[]')
    FROM (
      SELECT DISTINCT d.ambtelijke_fusie_id AS id FROM deelname d
      WHERE d.gemeente_id = g.id
        AND d.begindatum <= DATE '2015-01-01' AND (d.einddatum IS NULL OR d.einddatum >= DATE '2015-01-01')) ids
    CROSS JOIN LATERAL (
      SELECT f.begindatum, f.sleutel, json_build_object(
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
            'gemeente', (SELECT json_build_object('code', dg.code, 'naam', dg.naam) FROM gemeente dg WHERE dg.id = d.gemeente_id))
            ORDER BY d.begindatum NULLS FIRST, d.id), '[]')
          FROM deelname d
          WHERE d.ambtelijke_fusie_id = f.id
            AND d.begindatum <= DATE '2015-01-01' AND (d.einddatum IS NULL OR d.einddatum >= DATE '2015-01-01'))) AS json
      FROM ambtelijke_fusie f WHERE f.id = ids.id OFFSET 0) f)))
  ORDER BY g.code), '[]')))
FROM (SELECT * FROM gemeente ORDER BY code LIMIT 100) g;
