-- The floor of `filtered.graphql`: the page in the server's list order (begin date, unknown
-- last, then key), the count of all matches, and the participants on the date by CBS code.
WITH f AS (
  SELECT * FROM ambtelijke_fusie
  WHERE reikwijdte = 'VOLLEDIG'
    AND begindatum <= DATE '2015-01-01' AND (einddatum IS NULL OR einddatum >= DATE '2015-01-01')
), n AS (
  SELECT count(*) AS total FROM f
), pagina AS (
  SELECT * FROM f ORDER BY begindatum NULLS LAST, sleutel LIMIT 25
)
SELECT json_build_object('ambtelijkeFusies', json_build_object(
  'totalCount', n.total,
  'pageInfo', json_build_object('hasNextPage', n.total > 25),
  'edges', (
    SELECT coalesce(json_agg(json_build_object('node', json_build_object(
      '__typename', CASE p.vorm WHEN 'FUSIEORGANISATIE' THEN 'Fusieorganisatie' ELSE 'Centrumconstructie' END,
      'sleutel', p.sleutel,
      'naam', p.naam,
      'begindatum', p.begindatum,
      'gemeenten', (
        SELECT coalesce(json_agg(json_build_object('code', g.code, 'naam', g.naam) ORDER BY g.code), '[]')
        FROM gemeente g
        WHERE g.id IN (
          SELECT d.gemeente_id FROM deelname d
          WHERE d.ambtelijke_fusie_id = p.id
            AND d.begindatum <= DATE '2015-01-01' AND (d.einddatum IS NULL OR d.einddatum >= DATE '2015-01-01')))))
      ORDER BY p.begindatum NULLS LAST, p.sleutel), '[]')
    FROM pagina p)))
FROM n;
