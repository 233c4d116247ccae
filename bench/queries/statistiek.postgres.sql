-- The floor of `statistiek.graphql`: what is valid on the date, counted by the database. The
-- headline counts are of reikwijdte VOLLEDIG; provinces in name order.
WITH gem AS (
  SELECT * FROM gemeente
  WHERE (begindatum IS NULL OR begindatum <= DATE '2015-01-01') AND (einddatum IS NULL OR einddatum >= DATE '2015-01-01')
), fus AS (
  SELECT * FROM ambtelijke_fusie
  WHERE begindatum <= DATE '2015-01-01' AND (einddatum IS NULL OR einddatum >= DATE '2015-01-01')
), vol AS (
  SELECT d.ambtelijke_fusie_id AS fusie_id, d.gemeente_id, g.provincie_id
  FROM deelname d JOIN gemeente g ON g.id = d.gemeente_id JOIN fus ON fus.id = d.ambtelijke_fusie_id
  WHERE fus.reikwijdte = 'VOLLEDIG'
    AND d.begindatum <= DATE '2015-01-01' AND (d.einddatum IS NULL OR d.einddatum >= DATE '2015-01-01')
), n AS (
  SELECT (SELECT count(*) FROM fus WHERE reikwijdte = 'VOLLEDIG') AS fusies,
         (SELECT count(DISTINCT gemeente_id) FROM vol) AS deelnemers
)
SELECT json_build_object('statistiek', json_build_object(
  'aantalGemeenten', (SELECT count(*) FROM gem),
  'aantalAmbtelijkeFusies', n.fusies,
  'aantalFusieorganisaties', (SELECT count(*) FROM fus WHERE reikwijdte = 'VOLLEDIG' AND vorm = 'FUSIEORGANISATIE'),
  'aantalCentrumconstructies', (SELECT count(*) FROM fus WHERE reikwijdte = 'VOLLEDIG' AND vorm = 'CENTRUMCONSTRUCTIE'),
  'aantalDeelnemendeGemeenten', n.deelnemers,
  'perProvincie', (
    SELECT json_agg(json_build_object(
      'provincie', json_build_object('code', p.code, 'naam', p.naam),
      'aantalGemeenten', (SELECT count(*) FROM gem WHERE gem.provincie_id = p.id),
      'aantalDeelnemendeGemeenten', (SELECT count(DISTINCT gemeente_id) FROM vol WHERE vol.provincie_id = p.id),
      'aantalAmbtelijkeFusies', (SELECT count(DISTINCT fusie_id) FROM vol WHERE vol.provincie_id = p.id))
      ORDER BY p.naam)
    FROM provincie p),
  'kengetallen', (
    SELECT coalesce(json_agg(json_build_object(
      'kengetal', json_build_object('soort', k.soort, 'waarde', k.waarde),
      'registerWaarde', CASE k.soort
        WHEN 'AANTAL_AMBTELIJKE_FUSIEORGANISATIES' THEN n.fusies
        WHEN 'AANTAL_DEELNEMENDE_GEMEENTEN' THEN n.deelnemers END)
      ORDER BY k.id), '[]')
    FROM kengetal k WHERE k.peildatum = DATE '2015-01-01')))
FROM n;
