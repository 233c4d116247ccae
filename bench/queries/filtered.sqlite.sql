-- The floor of `filtered.graphql` on SQLite.
WITH f AS (
  SELECT * FROM ambtelijke_fusie
  WHERE reikwijdte = 'VOLLEDIG'
    AND begindatum <= '2015-01-01' AND (einddatum IS NULL OR einddatum >= '2015-01-01')
), n AS (
  SELECT count(*) AS total FROM f
)
SELECT json_object('ambtelijkeFusies', json_object(
  'totalCount', n.total,
  'pageInfo', json_object('hasNextPage', json(CASE WHEN n.total > 25 THEN 'true' ELSE 'false' END)),
  'edges', json((
    SELECT json_group_array(json_object('node', json_object(
      '__typename', CASE p.vorm WHEN 'FUSIEORGANISATIE' THEN 'Fusieorganisatie' ELSE 'Centrumconstructie' END,
      'sleutel', p.sleutel,
      'naam', p.naam,
      'begindatum', p.begindatum,
      'gemeenten', json((
        SELECT json_group_array(json_object('code', g.code, 'naam', g.naam))
        FROM (
          SELECT code, naam FROM gemeente
          WHERE id IN (
            SELECT d.gemeente_id FROM deelname d
            WHERE d.ambtelijke_fusie_id = p.id
              AND d.begindatum <= '2015-01-01' AND (d.einddatum IS NULL OR d.einddatum >= '2015-01-01'))
          ORDER BY code) g)))))
    FROM (SELECT * FROM f ORDER BY begindatum NULLS LAST, sleutel LIMIT 25) p))))
FROM n;
